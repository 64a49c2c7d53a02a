import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

// Column types are the dialect's (dialects/*.ts): ids of callbacks and attempts grow fast (BIGINT),
// times keep milliseconds, payloads are large.
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	const {schema} = dialectOf(queryInterface.sequelize);
	const big = schema.bigId;
	const now = {type: schema.date, allowNull: false};
	const text = (allowNull: boolean, defaultValue?: string) => ({
		type: schema.text, allowNull, ...(defaultValue !== undefined && schema.textDefaults ? {defaultValue} : {}),
	});
	const t = {transaction};
	const tableOptions = {...t, ...schema.tableOptions};

	await queryInterface.createTable('http_hooks', {
		id: {type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true},
		name: {type: DataTypes.STRING(255), allowNull: false},
		model: {type: DataTypes.STRING(255), allowNull: false},
		target_url: text(false),
		http_method: {type: DataTypes.STRING(10), allowNull: false, defaultValue: 'POST'},
		content_type: {type: DataTypes.STRING(64), allowNull: true},
		headers: text(false, ''),
		payload_template: text(true),
		serializer_class: {type: DataTypes.STRING(512), allowNull: true},
		secret: text(true),
		enabled: {type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true},
		created_at: now,
		updated_at: now,
	}, tableOptions);

	await queryInterface.createTable('http_hook_signals', {
		id: {type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true},
		name: {type: DataTypes.STRING(255), allowNull: false, unique: true},
		built_in: {type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false},
		created_at: now,
		updated_at: now,
	}, tableOptions);

	await queryInterface.createTable('http_hook_signal_links', {
		hook_id: {
			type: DataTypes.INTEGER, allowNull: false, primaryKey: true,
			references: {model: 'http_hooks', key: 'id'}, onDelete: 'CASCADE',
		},
		signal_id: {
			type: DataTypes.INTEGER, allowNull: false, primaryKey: true,
			references: {model: 'http_hook_signals', key: 'id'}, onDelete: 'CASCADE',
		},
	}, tableOptions);

	await queryInterface.createTable('http_callbacks', {
		id: {type: big, primaryKey: true, autoIncrement: true},
		hook_id: {
			type: DataTypes.INTEGER, allowNull: true,
			references: {model: 'http_hooks', key: 'id'}, onDelete: 'SET NULL',
		},
		hook_name: {type: DataTypes.STRING(255), allowNull: false},
		model: {type: DataTypes.STRING(255), allowNull: true},
		object_id: {type: DataTypes.STRING(255), allowNull: true},
		event_type: {type: DataTypes.STRING(255), allowNull: false},
		webhook_id: {type: DataTypes.STRING(64), allowNull: false},
		target_url: text(false),
		http_method: {type: DataTypes.STRING(10), allowNull: false},
		content_type: {type: DataTypes.STRING(64), allowNull: true},
		headers: text(false, '{}'),
		payload: {type: schema.longText, allowNull: true},
		status: {type: DataTypes.STRING(16), allowNull: false, defaultValue: 'waiting'},
		status_details: text(true),
		attempts: {type: DataTypes.INTEGER, allowNull: false, defaultValue: 0},
		next_attempt_at: {type: schema.date, allowNull: true},
		lease_until: {type: schema.date, allowNull: true},
		locked_by: {type: DataTypes.STRING(64), allowNull: true},
		created_at: now,
		updated_at: now,
	}, tableOptions);
	await queryInterface.addIndex('http_callbacks', ['status', 'next_attempt_at'], {name: 'http_callbacks_status_next_attempt', ...t});
	await queryInterface.addIndex('http_callbacks', ['status', 'updated_at'], {name: 'http_callbacks_status_updated', ...t});
	await queryInterface.addIndex('http_callbacks', ['hook_id', 'status'], {name: 'http_callbacks_hook_status', ...t});
	await queryInterface.addIndex('http_callbacks', ['created_at'], {name: 'http_callbacks_created', ...t});

	await queryInterface.createTable('http_callback_attempts', {
		id: {type: big, primaryKey: true, autoIncrement: true},
		callback_id: {
			type: big, allowNull: false,
			references: {model: 'http_callbacks', key: 'id'}, onDelete: 'CASCADE',
		},
		attempt: {type: DataTypes.INTEGER, allowNull: false},
		started_at: now,
		duration_ms: {type: DataTypes.INTEGER, allowNull: false},
		status_code: {type: DataTypes.INTEGER, allowNull: true},
		error: text(true),
		response_body: text(true),
	}, tableOptions);
	await queryInterface.addIndex('http_callback_attempts', ['callback_id'], {name: 'http_callback_attempts_callback', ...t});

	await queryInterface.createTable('http_hook_models', {
		name: {type: DataTypes.STRING(255), primaryKey: true},
		table_name: {type: DataTypes.STRING(255), allowNull: true},
		primary_key: {type: DataTypes.STRING(255), allowNull: true},
		attributes: text(false),
		associations: text(false),
		updated_at: now,
	}, tableOptions);

	// One row whose version moves on every change to hooks or signals, made by triggers so that
	// a change from anywhere (another app, the console, plain SQL) reaches every process.
	await queryInterface.createTable('http_hooks_state', {
		id: {type: DataTypes.INTEGER, primaryKey: true},
		version: {type: DataTypes.INTEGER, allowNull: false, defaultValue: 0},
	}, tableOptions);
	await queryInterface.bulkInsert('http_hooks_state', [{id: 1, version: 0}], t);

	for (const statement of schema.versionTriggers(['http_hooks', 'http_hook_signals', 'http_hook_signal_links'])) {
		await queryInterface.sequelize.query(statement, {transaction});
	}

	const created = new Date();
	await queryInterface.bulkInsert('http_hook_signals', [
		'afterCreate', 'afterUpdate', 'afterDestroy', 'afterSave', 'afterUpsert', 'afterRestore',
	].map(name => ({name, built_in: true, created_at: created, updated_at: created})), t);
}

export async function down(queryInterface: QueryInterface) {
	for (const table of ['http_hooks_state', 'http_hook_models', 'http_callback_attempts', 'http_callbacks', 'http_hook_signal_links', 'http_hook_signals', 'http_hooks']) {
		await queryInterface.dropTable(table);
	}

	for (const statement of dialectOf(queryInterface.sequelize).schema.dropTriggers.version) {
		await queryInterface.sequelize.query(statement);
	}
}
