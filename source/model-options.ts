/** What a model may tell the library in its options: `sequelize.define(name, attributes, {httpHooks: {…}})`. */
export type HttpHooksModelOptions = {
	/** Attributes never sent: left out of the default payload and the template context, at every depth. */
	hidden?: readonly string[];
};

// Sequelize's model options (define, Model.init) take `httpHooks` without a cast. ModelOptions is
// declared in sequelize/types/model and re-exported by the package's index, so it is augmented there.
declare module 'sequelize/types/model' {
	interface ModelOptions {
		/** sequelize-http-hooks: what this model keeps out of webhooks. */
		httpHooks?: HttpHooksModelOptions;
	}
}
