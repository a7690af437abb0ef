import { version } from '../package.json';

/** The app's name and version, as every door reports them. */
export const APP = { name: 'Concurrency Kitchen', version } as const;
