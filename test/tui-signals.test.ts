import {consoleOn, press, show, until} from './helpers/console-ui.js';
import {dialectTest} from './helpers/dialect-test.js';

dialectTest('signals screen: d deletes a custom signal after asking; refused, naming the hook, while one uses it', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, tool, source} = setup;
	await app.createSignal('orders.shipped');
	await app.createSignal('pets.adopted');
	const hook = await app.createHook({name: 'pets', model: 'Pet', signals: ['pets.adopted'], targetUrl: 'http://127.0.0.1:9/pets'});
	const ui = await show(t, source);
	try {
		await press(ui, '2');
		await until(t, ui, frame => /› afterCreate +built-in/.test(frame) && frame.includes('d delete'), 'the signals, and d in the footer');
		await press(ui, 'd');
		await until(t, ui, frame => frame.includes('Signal "afterCreate" is built in and cannot be deleted'), 'the built-in refusal');

		await press(ui, 'G');
		await until(t, ui, frame => /› pets\.adopted +custom +1/.test(frame), 'the used signal');
		await press(ui, 'd');
		await until(t, ui, frame => frame.includes(`Signal "pets.adopted" is used by "pets" (id ${hook.id}): change or delete that hook first`), 'the refusal naming the hook');
		t.false(ui.frame().includes('[y/n]'), 'a delete that would be refused is not asked');

		await press(ui, 'k');
		await until(t, ui, frame => /› orders\.shipped +custom +0/.test(frame), 'the unused signal');
		await press(ui, 'd');
		await until(t, ui, frame => frame.includes('Delete signal "orders.shipped"?') && frame.includes('[y/n]'), 'the question');
		await press(ui, 'n');
		await until(t, ui, frame => !frame.includes('[y/n]'), 'the question gone');
		t.true((await tool.listSignals()).some(signal => signal.name === 'orders.shipped'), 'no: nothing deleted');

		await press(ui, 'd');
		await until(t, ui, frame => frame.includes('[y/n]'), 'the question again');
		await press(ui, 'y');
		await until(t, ui, frame => frame.includes('Signal "orders.shipped" deleted') && !/orders\.shipped +custom/.test(frame), 'the signal gone');
		t.false((await tool.listSignals()).some(signal => signal.name === 'orders.shipped'));
		t.true((await tool.listSignals()).some(signal => signal.name === 'pets.adopted'));
	} finally {
		ui.unmount();
		await setup.close();
	}
});
