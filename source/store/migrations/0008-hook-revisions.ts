import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';

/**
 * A revision per hook, moved by triggers on every change of its row or of its signal links,
 * whoever makes it (the library, endpoint health, the console, plain SQL that leaves
 * `updated_at` alone). Editors save on the condition that the revision is still the one they
 * loaded, so a save never undoes a change made meanwhile; the hook caches compare it too.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	const t = {transaction};
	const {sequelize} = queryInterface;
	await queryInterface.addColumn('http_hooks', 'revision', {type: DataTypes.INTEGER, allowNull: false, defaultValue: 0}, t);
	if (sequelize.getDialect() === 'postgres') {
		// BEFORE UPDATE: the row itself carries the next revision, whatever the statement set.
		await sequelize.query(`
			CREATE FUNCTION http_hooks_next_revision() RETURNS trigger AS $$
			BEGIN
				NEW.revision := OLD.revision + 1;
				RETURN NEW;
			END
			$$ LANGUAGE plpgsql`, t);
		await sequelize.query(`CREATE TRIGGER http_hooks_revision BEFORE UPDATE ON http_hooks
			FOR EACH ROW EXECUTE FUNCTION http_hooks_next_revision()`, t);
		await sequelize.query(`
			CREATE FUNCTION http_hook_links_touch_hook() RETURNS trigger AS $$
			BEGIN
				UPDATE http_hooks SET revision = revision + 1 WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.hook_id ELSE NEW.hook_id END);
				RETURN NULL;
			END
			$$ LANGUAGE plpgsql`, t);
		await sequelize.query(`CREATE TRIGGER http_hook_signal_links_revision AFTER INSERT OR UPDATE OR DELETE ON http_hook_signal_links
			FOR EACH ROW EXECUTE FUNCTION http_hook_links_touch_hook()`, t);
		return;
	}

	// SQLite cannot change NEW: an AFTER trigger moves the revision unless the statement already
	// did (recursive triggers are off, so its own UPDATE does not fire it again).
	await sequelize.query(`CREATE TRIGGER http_hooks_revision AFTER UPDATE ON http_hooks WHEN NEW.revision <= OLD.revision
		BEGIN UPDATE http_hooks SET revision = OLD.revision + 1 WHERE id = NEW.id; END`, t);
	await sequelize.query(`CREATE TRIGGER http_hook_signal_links_revision_insert AFTER INSERT ON http_hook_signal_links
		BEGIN UPDATE http_hooks SET revision = revision + 1 WHERE id = NEW.hook_id; END`, t);
	await sequelize.query(`CREATE TRIGGER http_hook_signal_links_revision_update AFTER UPDATE ON http_hook_signal_links
		BEGIN UPDATE http_hooks SET revision = revision + 1 WHERE id IN (OLD.hook_id, NEW.hook_id); END`, t);
	await sequelize.query(`CREATE TRIGGER http_hook_signal_links_revision_delete AFTER DELETE ON http_hook_signal_links
		BEGIN UPDATE http_hooks SET revision = revision + 1 WHERE id = OLD.hook_id; END`, t);
}

export async function down(queryInterface: QueryInterface) {
	const {sequelize} = queryInterface;
	if (sequelize.getDialect() === 'postgres') {
		await sequelize.query('DROP TRIGGER IF EXISTS http_hook_signal_links_revision ON http_hook_signal_links');
		await sequelize.query('DROP TRIGGER IF EXISTS http_hooks_revision ON http_hooks');
		await sequelize.query('DROP FUNCTION IF EXISTS http_hook_links_touch_hook()');
		await sequelize.query('DROP FUNCTION IF EXISTS http_hooks_next_revision()');
		await queryInterface.removeColumn('http_hooks', 'revision');
		return;
	}

	for (const trigger of ['http_hook_signal_links_revision_delete', 'http_hook_signal_links_revision_update', 'http_hook_signal_links_revision_insert', 'http_hooks_revision']) {
		await sequelize.query(`DROP TRIGGER IF EXISTS ${trigger}`);
	}

	// Not removeColumn: on SQLite it rebuilds the table, which drops the table's other triggers.
	await sequelize.query('ALTER TABLE http_hooks DROP COLUMN revision');
}
