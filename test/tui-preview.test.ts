import {consoleOn, keys, press, show, until} from './helpers/console-ui.js';
import {dialectTest} from './helpers/dialect-test.js';

dialectTest('hooks screen: the condition in the detail pane; v previews the request for a record id typed in', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, Owner, source} = setup;
	await app.createHook({
		name: 'owner watch', model: 'Owner', signals: ['afterUpdate'], targetUrl: 'http://127.0.0.1:9/in?token=abc', contentType: 'application/json',
		headers: 'Authorization: Bearer very-secret-value', payloadTemplate: '{"name": "{{ instance.name }}"}', condition: 'instance.name != "nobody"',
	});
	const ann = await Owner.create({name: 'Ann', passwordHash: 'hunter2'});
	const ui = await show(t, source, 40);
	try {
		await until(t, ui, frame => /Condition +instance\.name != "nobody"/.test(frame), 'the condition in the detail pane');
		await press(ui, 'v');
		await until(t, ui, frame => frame.includes('Record id of Owner to preview:'), 'the record id prompt');
		await press(ui, '999', keys.enter);
		await until(t, ui, frame => frame.includes('✗ No Owner with id "999"'), 'the missing record named beside the prompt');
		await press(ui, keys.backspace, keys.backspace, keys.backspace, String(ann.get('id')), keys.enter);
		// The footer follows the screen's contexts, reported after the render that shows the preview.
		await until(t, ui, frame => frame.includes('Preview of hook 1: owner watch') && frame.includes('Esc back'), 'the preview and its keys');
		const frame = ui.frame();
		t.regex(frame, /Condition +instance\.name != "nobody" → holds/);
		t.regex(frame, /Request +POST http:\/\/127\.0\.0\.1:9\/in\?token=••••/);
		t.regex(frame, /Authorization: Bearer ••••/);
		t.regex(frame, /"name": "Ann"/);
		t.regex(frame, /Esc back/);
		t.false(frame.includes('very-secret-value') || frame.includes('hunter2'));
		await press(ui, keys.escape);
		await until(t, ui, frame => frame.includes('Hook 1: owner watch') && !frame.includes('Preview of hook'), 'the hook\'s details again');
		t.is(await app.models.Callback.count(), 0, 'a preview writes no callback');
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('hook form: a condition field validated by the library; Ctrl-P previews the hook as typed, not saved', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, Owner, source, tool} = setup;
	await app.createHook({name: 'owner watch', model: 'Owner', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/in'});
	const bob = await Owner.create({name: 'Bob'});
	const ui = await show(t, source, 40);
	try {
		await until(t, ui, frame => frame.includes('owner watch'), 'the hook');
		await press(ui, 'e');
		await until(t, ui, frame => frame.includes('Edit hook 1: owner watch'), 'the edit form');
		await press(ui, ...Array.from({length: 9}, () => keys.down));
		await until(t, ui, frame => /▶ Condition/.test(frame), 'the condition field');
		await press(ui, 'instance.name == "Ann"', keys.ctrlP);
		await until(t, ui, frame => frame.includes('Record id of Owner to preview:'), 'the record id prompt');
		await press(ui, String(bob.get('id')), keys.enter);
		await until(t, ui, frame => frame.includes('preview as typed, not saved'), 'the preview of the form');
		t.regex(ui.frame(), /Condition +instance\.name == "Ann" → does not hold \(a change now writes no callback\)/);
		t.regex(ui.frame(), /"object_type": "Owner"/);
		await press(ui, keys.escape);
		await until(t, ui, frame => /▶ Condition +instance\.name == "Ann"/.test(frame), 'the form again, as typed');
		t.is((await tool.getHook(1)).condition, null, 'nothing saved');

		await press(ui, ' and', keys.ctrlP, String(bob.get('id')), keys.enter);
		await until(t, ui, frame => /✗ .*Condition "instance\.name == \\?"Ann\\?" and" does not compile/.test(frame), 'the condition\'s error beside its field');
		await press(ui, ...Array.from({length: 4}, () => keys.backspace), keys.ctrlS);
		await until(t, ui, frame => frame.includes('Hook "owner watch" saved (id 1)'), 'the hook saved');
		t.is((await tool.getHook(1)).condition, 'instance.name == "Ann"');
		await until(t, ui, frame => /Condition +instance\.name == "Ann"/.test(frame), 'the saved condition in the detail pane');
	} finally {
		ui.unmount();
		await setup.close();
	}
});
