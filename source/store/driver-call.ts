/**
 * A driver's call that reports through a Node-style callback (sqlite3, mysql2), as a promise:
 * rejected with the driver's error, else resolved with what the callback got.
 */
export async function driverCall<T = void>(call: (done: (error: Error | null, result?: T) => void) => void): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		call((error, result) => {
			if (error) {
				reject(error);
			} else {
				resolve(result as T);
			}
		});
	});
}
