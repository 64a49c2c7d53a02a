// `hooks enable`: see enable-hook.ts, shared with `hooks disable`.
export {enableCommand} from './enable-hook.js';
