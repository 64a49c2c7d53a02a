import test from 'ava';
import {parseHeaders, InvalidHeadersError} from '../source/index.js';

test('rows split on CRLF or LF; values keep their colons; blank lines and a trailing newline are ignored', t => {
	t.deepEqual(parseHeaders('api-key: 12345\r\nX-Time: 10:30:00\n\n  \nX-Empty:\n'), {'api-key': '12345', 'X-Time': '10:30:00', 'X-Empty': ''});
	t.deepEqual(parseHeaders(''), {});
	t.deepEqual(parseHeaders(null), {});
});

test('a row without a colon, a bad name or an empty name is refused, naming the row', t => {
	t.throws(() => parseHeaders('good: 1\nno colon here'), {instanceOf: InvalidHeadersError, message: /row 2 "no colon here" has no colon/});
	t.throws(() => parseHeaders('bad name: 1'), {instanceOf: InvalidHeadersError, message: /invalid name "bad name"/});
	t.throws(() => parseHeaders(': value'), {instanceOf: InvalidHeadersError, message: /invalid name ""/});
});
