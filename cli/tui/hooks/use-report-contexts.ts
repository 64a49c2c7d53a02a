import {useEffect} from 'react';
import type {Context} from '../keymap.js';

/** Tell the app shell which key contexts are live, for the footer and the help overlay. */
export function useReportContexts(contexts: readonly Context[], report: (contexts: Context[]) => void, isActive: boolean): void {
	// By value: a screen passes a new array every render, and the report must not repeat for that.
	const key = contexts.join(' ');
	useEffect(() => {
		if (isActive) {
			report(key === '' ? [] : key.split(' ') as Context[]);
		}
	}, [key, isActive, report]);
}
