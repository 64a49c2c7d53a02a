/** The console was left with Ctrl-C: the program exits 130, as a shell expects of an interrupted program. */
export class ConsoleInterrupted extends Error {
	constructor() {
		super('Interrupted (Ctrl-C)');
		this.name = 'ConsoleInterrupted';
	}
}
