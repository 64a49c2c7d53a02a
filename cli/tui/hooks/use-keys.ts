import {useInput, type Key} from 'ink';
import {createContext, useContext, useLayoutEffect, useRef} from 'react';
import {resolveKey, splitInput} from '../key-match.js';
import type {Action, Context} from '../keymap.js';

export type KeyHandlers = {
	onAction(action: Action): void;
	/** Typed text, in text contexts only. */
	onText?(text: string): void;
};

type Listener = {contexts: readonly Context[]; handlers: KeyHandlers; isActive: boolean};
type Press = {input: string; key: Key};
export type KeyRouter = {listeners: Set<{current: Listener}>};

export const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/**
 * The one keyboard listener of the console, for the app's root: each key press goes to the
 * part of the screen that has the keys (`useKeys(…, isActive)`), as in ink-ui's input hooks.
 *
 * Keys are handled one at a time, each after the screen has drawn the previous one's effect
 * (keys that arrive together, from a paste, fast typing or tmux send-keys, included): `/` then `abc` types into the
 * search prompt that `/` opened; `n` then a name types into the form that `n` opened.
 * `onInterrupt`: Ctrl-C, handled at once (the program renders with Ink's `exitOnCtrlC` off).
 */
export function useKeyRouter(onInterrupt?: () => void): KeyRouter {
	const router = useRef<KeyRouter>({listeners: new Set()});
	const queue = useRef<Press[]>([]);
	const draining = useRef(false);

	const drain = () => {
		const press = queue.current.shift();
		if (press === undefined) {
			draining.current = false;
			return;
		}

		const listener = [...router.current.listeners].find(candidate => candidate.current.isActive)?.current;
		if (listener) {
			const [first, ...rest] = splitInput(listener.contexts, press.input, press.key);
			queue.current.unshift(...rest);
			const event = first && resolveKey(listener.contexts, first.input, first.key);
			if (event !== undefined) {
				if ('action' in event) {
					listener.handlers.onAction(event.action);
				} else {
					listener.handlers.onText?.(event.text);
				}
			}
		}

		if (queue.current.length > 0) {
			setImmediate(drain);
		} else {
			draining.current = false;
		}
	};

	useInput((input, key) => {
		// Ctrl-C leaves from anywhere, whatever has the keys (a prompt, the form, a question).
		if (key.ctrl && input === 'c' && onInterrupt) {
			queue.current = [];
			onInterrupt();
			return;
		}

		queue.current.push({input, key});
		if (!draining.current) {
			draining.current = true;
			// After the render of what came before (state updates render in a microtask).
			setImmediate(drain);
		}
	});
	return router.current;
}

/** Receive the keymap's actions for `contexts` while `isActive` (`router`: for the component that owns it). */
export function useKeys(contexts: readonly Context[], handlers: KeyHandlers, isActive = true, ownRouter?: KeyRouter): void {
	const router = useContext(KeyRouterContext) ?? ownRouter;
	if (!router) {
		throw new Error('useKeys() outside <KeyRouterContext.Provider>');
	}

	const listener = useRef<Listener>({contexts, handlers, isActive});
	listener.current = {contexts, handlers, isActive};
	useLayoutEffect(() => {
		router.listeners.add(listener);
		return () => {
			router.listeners.delete(listener);
		};
	}, [router]);
}
