import type {QueryInterface, Transaction} from 'sequelize';

/**
 * PostgreSQL: every statement that inserts callbacks notifies `http_callbacks_ready` with the
 * schema's name, so that `--watch` senders wake at once (polling stays as the backstop; SQLite
 * has no notifications and polls only). Statement level: a bulk insert notifies once.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	if (queryInterface.sequelize.getDialect() !== 'postgres') {
		return;
	}

	await queryInterface.sequelize.query(`
		CREATE FUNCTION http_callbacks_notify_ready() RETURNS trigger AS $$
		BEGIN
			PERFORM pg_notify('http_callbacks_ready', current_schema());
			RETURN NULL;
		END
		$$ LANGUAGE plpgsql`, {transaction});
	await queryInterface.sequelize.query(`CREATE TRIGGER http_callbacks_ready AFTER INSERT ON http_callbacks
		FOR EACH STATEMENT EXECUTE FUNCTION http_callbacks_notify_ready()`, {transaction});
}

export async function down(queryInterface: QueryInterface) {
	if (queryInterface.sequelize.getDialect() !== 'postgres') {
		return;
	}

	await queryInterface.sequelize.query('DROP TRIGGER IF EXISTS http_callbacks_ready ON http_callbacks');
	await queryInterface.sequelize.query('DROP FUNCTION IF EXISTS http_callbacks_notify_ready()');
}
