import {useEffect} from 'react';
import type {Context} from '../keymap.js';

/** Tell the app shell which key contexts are live, for the footer and the help overlay. */
export function useReportContexts(contexts: readonly Context[], report: (contexts: Context[]) => void, isActive: boolean): void {
	const key = contexts.join(' ');
	useEffect(() => {
		if (isActive) {
			report([...contexts]);
		}
	}, [key, isActive]);
}
