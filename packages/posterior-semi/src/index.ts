import './register';

export { SemiSupervisedPosterior } from './posterior';
// Moved to @ddvi/core (DDVI's semi-supervised form uses it too); re-exported for existing imports.
export { assignClasses } from '@ddvi/core';
export type { ClassAssignment } from '@ddvi/core';
export { SEMI, DEFAULT_CONFIG, SemiConfigSchema, resolveConfig } from './config';
export type { SemiConfigInput, SemiPosteriorConfig } from './config';
