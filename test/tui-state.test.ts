import test from 'ava';
import {appReducer, initialApp, overlayContexts} from '../cli/tui/state/app-state.js';
import {callbacksReducer, initialCallbacks, mergeRefresh, wantsMore, type CallbackRow, type CallbacksState} from '../cli/tui/state/callbacks-state.js';
import {changedInput, formFields, hookFormReducer, initialForm, isDirty, toHookInput, type FormAction, type FormState} from '../cli/tui/state/hook-form-state.js';
import {initialList, listReducer, visibleRange, type ListAction} from '../cli/tui/state/list-state.js';
import {scrolled} from '../cli/tui/state/navigation.js';
import {replaceRows} from '../cli/tui/state/row-list-state.js';
import type {HookRecord} from '../source/hooks/hook-store.js';

const run = <S, A>(reducer: (state: S, action: A) => S, state: S, ...actions: A[]) => actions.reduce(reducer, state);

test('the list cursor moves within the rows and the window follows it', t => {
	let list = initialList(100, 10);
	list = run(listReducer, list, {type: 'up'});
	t.like(list, {cursor: 0, offset: 0});
	list = run(listReducer, list, ...Array.from({length: 12}, (): ListAction => ({type: 'down'})));
	t.like(list, {cursor: 12, offset: 3});
	t.deepEqual(visibleRange(list), {start: 3, end: 13});
	list = listReducer(list, {type: 'pageDown'});
	t.like(list, {cursor: 22, offset: 13});
	list = listReducer(list, {type: 'last'});
	t.like(list, {cursor: 99, offset: 90});
	list = listReducer(list, {type: 'pageDown'});
	t.like(list, {cursor: 99, offset: 90});
	list = listReducer(list, {type: 'first'});
	t.like(list, {cursor: 0, offset: 0});
	list = listReducer(list, {type: 'pageUp'});
	t.like(list, {cursor: 0, offset: 0});
});

test('a resize keeps the cursor in the window, and an empty list has its cursor at 0', t => {
	const list = run(listReducer, initialList(100, 20), {type: 'select', index: 19}, {type: 'resize', height: 5});
	t.like(list, {cursor: 19, offset: 15, height: 5});
	t.like(listReducer(list, {type: 'count', count: 0}), {cursor: 0, offset: 0});
	t.like(listReducer(initialList(3, 10), {type: 'last'}), {cursor: 2, offset: 0});
});

test('a detail pane scrolls within its lines', t => {
	t.is(scrolled(0, 'up', 10, 30), 0);
	t.is(scrolled(0, 'pageDown', 10, 30), 10);
	t.is(scrolled(25, 'pageDown', 10, 30), 30);
	t.is(scrolled(12, 'first', 10, 30), 0);
	t.is(scrolled(12, 'last', 10, 30), 30);
});

test('rows read again keep the cursor on the same row, by id', t => {
	const rows = [{id: 1}, {id: 2}, {id: 3}];
	const state = {rows, list: initialList(3, 10)};
	const onTwo = {...state, list: listReducer(state.list, {type: 'select', index: 1})};
	t.is(replaceRows(onTwo, [{id: 0}, ...rows]).list.cursor, 2);
	t.is(replaceRows(onTwo, [{id: 1}, {id: 3}]).list.cursor, 1, 'a removed row leaves the cursor where it was');
	t.is(replaceRows(onTwo, [{id: 1}, {id: 3}, {id: 9}], 9).list.cursor, 2, 'or on the row asked for');
});

function row(id: number, status: CallbackRow['status'] = 'waiting'): CallbackRow {
	const at = new Date(0);
	return {
		id, hookId: 1, hookName: 'pets', model: 'Pet', objectId: String(id), eventType: 'created', webhookId: `msg_${id}`, targetUrl: 'http://x',
		httpMethod: 'POST', contentType: null, status, statusDetails: null, attempts: 0, nextAttemptAt: null, leaseUntil: null, lockedBy: null, createdAt: at, updatedAt: at,
	};
}

const ids = (state: CallbacksState) => state.rows.map(callback => callback.id);
const loaded = (state: CallbacksState, rows: CallbackRow[], nextBeforeId?: number) => callbacksReducer(state, {type: 'loaded', generation: state.generation, page: {rows, nextBeforeId}, append: false});
const descending = (from: number, to: number) => Array.from({length: from - to + 1}, (_, index) => row(from - index));

test('new callbacks come in at the top and the cursor stays on its row', t => {
	let state = loaded(initialCallbacks(5), descending(10, 1));
	state = callbacksReducer(state, {type: 'move', move: {type: 'select', index: 2}});
	t.is(state.rows[state.list.cursor]!.id, 8);
	state = mergeRefresh(state, [row(12), row(11)]);
	t.deepEqual(ids(state).slice(0, 3), [12, 11, 10]);
	t.is(state.rows[state.list.cursor]!.id, 8, 'same row');
	t.is(state.list.offset, 0, 'at the top, new rows come into view');
});

test('further down the list, a refresh does not move the view', t => {
	let state = loaded(initialCallbacks(5), descending(50, 1));
	state = callbacksReducer(state, {type: 'move', move: {type: 'select', index: 20}});
	const line = state.list.cursor - state.list.offset;
	state = mergeRefresh(state, [row(53), row(52), row(51)]);
	t.is(state.rows[state.list.cursor]!.id, 30);
	t.is(state.list.cursor - state.list.offset, line, 'the cursor keeps its line on screen');
});

test('the visible rows read again replace theirs; a row that left the filter gives way to the next older one', t => {
	let state = callbacksReducer(initialCallbacks(4), {type: 'filter', filter: {status: 'waiting'}});
	state = loaded(state, descending(20, 11), 10);
	state = callbacksReducer(state, {type: 'move', move: {type: 'select', index: 1}});
	t.is(state.rows[state.list.cursor]!.id, 19);
	// 19 was sent meanwhile: the window read (ids <= 20, four rows) no longer has it.
	state = mergeRefresh(state, [], {fromId: 20, rows: [row(20), row(18), row(17), row(16)], complete: false});
	t.deepEqual(ids(state), [20, 18, 17, 16, 15, 14, 13, 12, 11]);
	t.is(state.rows[state.list.cursor]!.id, 18);
	t.is(state.nextBeforeId, 10, 'older pages still to load');
	state = mergeRefresh(state, [], {fromId: 20, rows: [row(20)], complete: true});
	t.deepEqual(ids(state), [20]);
	t.is(state.nextBeforeId, undefined);
});

test('the status filter cycles, and answers to an old filter are dropped', t => {
	let state = loaded(initialCallbacks(5), descending(3, 1));
	const old = state.generation;
	state = callbacksReducer(state, {type: 'cycleStatus'});
	t.is(state.filter.status, 'waiting');
	t.deepEqual(ids(state), []);
	state = callbacksReducer(state, {type: 'loaded', generation: old, page: {rows: [row(99)]}, append: false});
	t.deepEqual(ids(state), [], 'stale page ignored');
	state = run(callbacksReducer, state, {type: 'cycleStatus'}, {type: 'cycleStatus'}, {type: 'cycleStatus'});
	t.is(state.filter.status, 'error');
	state = callbacksReducer(state, {type: 'cycleStatus'});
	t.is(state.filter.status, 'cancelled');
	state = callbacksReducer(state, {type: 'cycleStatus'});
	t.is(state.filter.status, undefined);
});

test('older pages load as the cursor nears the end, and join without duplicates', t => {
	let state = loaded(initialCallbacks(5), descending(20, 11), 11);
	t.false(wantsMore(state));
	state = callbacksReducer(state, {type: 'move', move: {type: 'select', index: 6}});
	t.true(wantsMore(state));
	state = callbacksReducer(state, {type: 'loaded', generation: state.generation, page: {rows: descending(11, 1)}, append: true});
	t.deepEqual(ids(state), descending(20, 1).map(callback => callback.id));
	t.false(wantsMore(state));
});

const options = {models: ['Owner', 'Pet'], signals: ['afterCreate', 'afterUpdate', 'orders.shipped'], methods: ['POST', 'PUT'], contentTypes: ['', 'application/json', 'text/plain']};
const type = (text: string): FormAction => ({type: 'type', text});

test('the form edits text at the caret, picks choices and signals, and gives the library\'s input', t => {
	let form: FormState = initialForm(options);
	t.is(form.values.model, 'Owner');
	form = run(hookFormReducer, form, type('pest'), {type: 'caret', to: 'left'}, {type: 'deleteBack'}, {type: 'caret', to: 'end'}, type('s'));
	t.is(form.values.name, 'pets');
	form = run(hookFormReducer, form, {type: 'newLine'}, {type: 'choose', by: 1});
	t.is(form.values.model, 'Pet');
	form = run(hookFormReducer, form, {type: 'next'}, {type: 'toggle'}, {type: 'choose', by: 1}, {type: 'choose', by: 1}, {type: 'toggle'});
	t.deepEqual(form.values.signals, ['afterCreate', 'orders.shipped']);
	form = run(hookFormReducer, form, {type: 'next'}, type('http://x/\nhooks'));
	t.is(form.values.targetUrl, 'http://x/ hooks', 'no new line in a one-line field');
	form = run(hookFormReducer, form, {type: 'focus', key: 'contentType'}, {type: 'choose', by: -1});
	t.is(form.values.contentType, '');
	form = run(hookFormReducer, form, {type: 'focus', key: 'headers'}, type('A: 1'), {type: 'newLine'}, type('B: 2'));
	t.is(form.values.headers, 'A: 1\nB: 2');
	form = run(hookFormReducer, form, {type: 'focus', key: 'enabled'}, {type: 'toggle'}, {type: 'focus', key: 'ordered'}, {type: 'choose', by: 1});
	t.true(isDirty(form));
	t.deepEqual(toHookInput(form.values), {
		name: 'pets', model: 'Pet', signals: ['afterCreate', 'orders.shipped'], targetUrl: 'http://x/ hooks', httpMethod: 'POST', contentType: null,
		headers: 'A: 1\nB: 2', payloadTemplate: null, serializerClass: null, condition: null, secret: null, ordered: true, enabled: false,
		rateLimit: null, maxInFlight: null, maxAttempts: null, retryDelays: null,
	});
});

test('the form\'s rate limit, in-flight cap and retry schedule: typed as text, given as numbers; what is not a number goes to the validation as typed', t => {
	let form: FormState = initialForm(options);
	form = run(hookFormReducer, form, {type: 'focus', key: 'rateLimit'}, type('0.5'), {type: 'focus', key: 'maxInFlight'}, type('5'),
		{type: 'focus', key: 'maxAttempts'}, type('3'), {type: 'focus', key: 'retryDelays'}, type('5000, 60000'));
	t.like(toHookInput(form.values), {rateLimit: 0.5, maxInFlight: 5, maxAttempts: 3, retryDelays: [5000, 60_000]});
	form = run(hookFormReducer, form, {type: 'focus', key: 'rateLimit'}, {type: 'set', key: 'rateLimit', value: 'fast'}, {type: 'set', key: 'retryDelays', value: '1000 -5'});
	t.like(toHookInput(form.values), {rateLimit: 'fast' as never, retryDelays: [1000, '-5'] as never}, 'refused by the hook\'s validation, which names the text');

	const hook = {
		id: 7, name: 'h', model: 'Owner', signals: ['afterCreate'], targetUrl: 'http://x/', httpMethod: 'POST', contentType: null, headers: '', payloadTemplate: null,
		serializerClass: null, secret: null, enabled: true, createdAt: new Date(), updatedAt: new Date(), rateLimit: 20, maxInFlight: null, maxAttempts: 4, retryDelays: [1000, 2000],
	};
	let edit = initialForm(options, hook);
	t.like(edit.values, {rateLimit: '20', maxInFlight: '', maxAttempts: '4', retryDelays: '1000, 2000'});
	t.deepEqual(changedInput(edit), {}, 'nothing changed: nothing written');
	edit = run(hookFormReducer, edit, {type: 'focus', key: 'rateLimit'}, {type: 'set', key: 'rateLimit', value: ''}, {type: 'focus', key: 'retryDelays'}, type(', 3000'));
	t.deepEqual(changedInput(edit), {rateLimit: null, retryDelays: [1000, 2000, 3000]});
});

test('a failed save shows the error at its field and moves there; editing the field clears it', t => {
	let form = hookFormReducer(initialForm(options), {type: 'saving'});
	form = hookFormReducer(form, {type: 'failed', field: 'targetUrl', message: 'Target URL "x" is not a valid URL'});
	t.false(form.saving);
	t.is(formFields[form.focus]!.key, 'targetUrl');
	t.is(form.errors.targetUrl, 'Target URL "x" is not a valid URL');
	form = hookFormReducer(form, type('h'));
	t.is(form.errors.targetUrl, undefined);
	form = hookFormReducer(form, {type: 'failed', message: 'Database error: gone'});
	t.is(form.formError, 'Database error: gone');
	t.is(formFields[form.focus]!.key, 'targetUrl');
});

test('editing a hook starts from its values, keeping a model no app recorded', t => {
	const hook = {
		id: 7, name: 'old', model: 'Gone', signals: ['afterCreate'], targetUrl: 'http://x', httpMethod: 'PUT', contentType: null, headers: 'A: 1',
		payloadTemplate: null, serializerClass: null, secret: null, enabled: true, createdAt: new Date(), updatedAt: new Date(),
	} satisfies HookRecord;
	const form = initialForm(options, hook);
	t.is(form.editingId, 7);
	t.deepEqual(form.options.models, ['Owner', 'Pet', 'Gone']);
	t.is(form.values.contentType, '');
	t.false(isDirty(form));
	t.deepEqual(toHookInput(form.values), {...toHookInput(form.values), model: 'Gone', httpMethod: 'PUT', headers: 'A: 1'});
});

test('the shell: the form holds the screen, help and questions take the keys', t => {
	let app = appReducer(initialApp, {type: 'openForm', hook: 'new'});
	app = appReducer(app, {type: 'show', screen: 'callbacks'});
	t.is(app.screen, 'hooks', 'no switching away from an open form');
	app = appReducer(app, {type: 'closeForm', savedId: 4});
	t.deepEqual(app.selectHook, {id: 4, serial: 1});
	app = run(appReducer, app, {type: 'openForm', hook: 4}, {type: 'closeForm'});
	t.deepEqual(app.selectHook, {id: 4, serial: 1}, 'a form left unsaved selects nothing anew');
	app = run(appReducer, app, {type: 'openForm', hook: 4}, {type: 'closeForm', savedId: 4});
	t.deepEqual(app.selectHook, {id: 4, serial: 2}, 'each save selects its hook');
	app = appReducer(app, {type: 'showCallbacksOf', filter: {hookId: 4, hookName: 'pets'}});
	t.is(app.screen, 'callbacks');
	t.is(app.callbacksFilter?.serial, 1);
	t.is(overlayContexts(app), undefined);
	app = appReducer(app, {type: 'openHelp', contexts: ['global']});
	t.deepEqual(overlayContexts(app), ['help', 'navigate']);
	app = appReducer(app, {type: 'ask', text: 'Sure?', run() {}});
	t.deepEqual(overlayContexts(app), ['confirm']);
	app = run(appReducer, app, {type: 'answered'}, {type: 'closeHelp'});
	t.is(overlayContexts(app), undefined);
	app = run(appReducer, app, {type: 'notify', message: {text: 'Callback 3 queued again', tone: 'success'}}, {type: 'show', screen: 'hooks'});
	t.is(app.message, undefined, 'a message belongs to the screen it was about');
});
