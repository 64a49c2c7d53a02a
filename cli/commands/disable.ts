// `hooks disable`: see enable-hook.ts, shared with `hooks enable`.
export {disableCommand} from './enable-hook.js';
