import pkg from '../package.json';

/** This package's name and version, from its package.json (bundled at build time). */
export const CLI_NAME: string = pkg.name;
export const CLI_VERSION: string = pkg.version;
