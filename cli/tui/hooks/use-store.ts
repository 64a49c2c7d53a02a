import {useCallback, useRef, useSyncExternalStore} from 'react';

type Store<S> = {state: S; listeners: Set<() => void>};

/**
 * A reducer whose state is current the moment an action is dispatched, for key handling.
 *
 * Ink renders ordinary state updates later, in a scheduler task; keys that arrive together
 * (a paste, fast typing) would then run against the state before the previous key. Here the
 * next key already sees the new state (`get`), and the update renders at once (updates of
 * useSyncExternalStore are synchronous in React).
 */
export function useStore<S, A>(reducer: (state: S, action: A) => S, initial: () => S): [S, (action: A) => void, () => S] {
	const store = useRef<Store<S>>(undefined);
	store.current ??= {state: initial(), listeners: new Set()};
	const current = store.current;
	const subscribe = useCallback((listener: () => void) => {
		current.listeners.add(listener);
		return () => {
			current.listeners.delete(listener);
		};
	}, [current]);
	const state = useSyncExternalStore(subscribe, () => current.state);
	const reducerRef = useRef(reducer);
	reducerRef.current = reducer;
	const dispatch = useCallback((action: A) => {
		const next = reducerRef.current(current.state, action);
		if (next !== current.state) {
			current.state = next;
			for (const listener of current.listeners) {
				listener();
			}
		}
	}, [current]);
	const get = useCallback(() => current.state, [current]);
	return [state, dispatch, get];
}

type Update<T> = T | ((current: T) => T);

function replace<T>(current: T, update: Update<T>): T {
	return typeof update === 'function' ? (update as (value: T) => T)(current) : update;
}

/** useState on useStore: a value that is current at once. */
export function useValue<T>(initial: T): [T, (update: Update<T>) => void, () => T] {
	return useStore<T, Update<T>>(replace, () => initial);
}
