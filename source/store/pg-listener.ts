import type {Sequelize} from 'sequelize';

export type Listener = {close(): Promise<void>};

/**
 * LISTEN on a PostgreSQL channel over a connection of its own (not one of the pool's), with the
 * same settings as the Sequelize instance. Notifications are matched on the payload when given
 * (the triggers send the schema, so that apps in other schemas of one database stay apart).
 */
export async function listen(sequelize: Sequelize, channel: string, onNotify: (payload: string | undefined) => void, onError: (error: Error) => void): Promise<Listener> {
	const config = sequelize.config as unknown as {host?: string; port?: number | string; username?: string; password?: string | null; database?: string};
	const dialectOptions = ((sequelize as unknown as {options: object}).options as {dialectOptions?: Record<string, unknown>}).dialectOptions ?? {};
	// Loaded here: a program on SQLite never needs the PostgreSQL driver.
	const {default: pg} = await import('pg');
	const client = new pg.Client({
		host: config.host,
		port: config.port === undefined ? undefined : Number(config.port),
		user: config.username,
		password: config.password ?? undefined,
		database: config.database,
		...dialectOptions,
	});
	client.on('notification', message => {
		if (message.channel === channel) {
			onNotify(message.payload);
		}
	});
	client.on('error', onError);
	try {
		await client.connect();
		await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
	} catch (error) {
		// A connection that could not LISTEN is of no use: closed, not left behind.
		await client.end().catch(() => undefined);
		throw error;
	}

	return {
		async close() {
			await client.end().catch(() => undefined);
		},
	};
}
