import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {useStdin, useStdout} from 'ink';
import {useCallback} from 'react';

// Re-enter the console's alternate screen, clear it; Ink then draws the whole frame again.
const redraw = '\u001B[?1049h\u001B[2J\u001B[H';

function shellQuote(text: string): string {
	return `'${text.replaceAll('\'', '\'\\\'\'')}'`;
}

/** The editor a person chose: $VISUAL, else $EDITOR, else vi. */
export function chosenEditor(environment: NodeJS.ProcessEnv = process.env): string {
	return environment['VISUAL']?.trim() || environment['EDITOR']?.trim() || 'vi';
}

/**
 * Edit text in the person's editor: the console steps aside (raw mode off) while the editor
 * owns the terminal, then draws itself again. Returns the new text; throws when the editor fails.
 */
export function useExternalEditor(): (text: string, fileName: string) => string {
	const {stdin} = useStdin();
	const {write} = useStdout();
	return useCallback((text: string, fileName: string) => {
		const directory = mkdtempSync(path.join(os.tmpdir(), 'hooks-tui-'));
		const file = path.join(directory, fileName);
		writeFileSync(file, text);
		const raw = stdin.isTTY === true;
		if (raw) {
			stdin.setRawMode(false);
		}

		try {
			const editor = chosenEditor();
			const result = spawnSync(`${editor} ${shellQuote(file)}`, {stdio: 'inherit', shell: true});
			if (result.error || result.status !== 0) {
				throw new Error(`The editor ${JSON.stringify(editor)} failed: ${result.error?.message ?? `exit code ${result.status ?? result.signal}`}`);
			}

			return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
		} finally {
			if (raw) {
				stdin.setRawMode(true);
			}

			rmSync(directory, {recursive: true, force: true});
			write(redraw);
		}
	}, [stdin, write]);
}
