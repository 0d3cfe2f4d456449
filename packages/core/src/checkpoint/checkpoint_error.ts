import { DdviError } from '../errors';

/** A checkpoint that cannot be read: missing, truncated, corrupt, or of another format or version. */
export class CheckpointError extends DdviError {}
