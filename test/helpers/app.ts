import {DataTypes, type Model, type ModelStatic, type Sequelize} from 'sequelize';

export type AppModels = {
	Owner: ModelStatic<Model>;
	Pet: ModelStatic<Model>;
	Note: ModelStatic<Model>;
};

/**
 * The app of the tests: owners with pets (an association for dotted paths), a paranoid Note
 * model (restore), and a hidden attribute that must never leave in a webhook.
 */
export async function defineAppModels(sequelize: Sequelize): Promise<AppModels> {
	const Owner = sequelize.define('Owner', {
		name: {type: DataTypes.STRING, allowNull: false},
		email: {type: DataTypes.STRING},
		passwordHash: {type: DataTypes.STRING},
	}, {httpHooks: {hidden: ['passwordHash']}});
	const Pet = sequelize.define('Pet', {
		name: {type: DataTypes.STRING, allowNull: false},
		species: {type: DataTypes.STRING},
		age: {type: DataTypes.INTEGER},
	});
	const Note = sequelize.define('Note', {
		text: {type: DataTypes.TEXT},
	}, {paranoid: true});
	Pet.belongsTo(Owner, {as: 'owner', foreignKey: 'ownerId'});
	Owner.hasMany(Pet, {as: 'pets', foreignKey: 'ownerId'});
	await sequelize.sync();
	return {Owner, Pet, Note};
}
