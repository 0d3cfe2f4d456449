import './register';

export { SemiSupervisedPosterior } from './posterior';
export { assignClasses } from './class_assignment';
export type { ClassAssignment } from './class_assignment';
export { SEMI, DEFAULT_CONFIG, SemiConfigSchema, resolveConfig } from './config';
export type { SemiConfigInput, SemiPosteriorConfig } from './config';
