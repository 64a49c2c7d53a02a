import {useEffect, useRef} from 'react';

/** Call `callback` every `ms` milliseconds; `undefined` stops the timer. */
export function useInterval(callback: () => void, ms: number | undefined): void {
	const saved = useRef(callback);
	saved.current = callback;
	useEffect(() => {
		if (ms === undefined) {
			return;
		}

		const timer = setInterval(() => saved.current(), ms);
		return () => clearInterval(timer);
	}, [ms]);
}
