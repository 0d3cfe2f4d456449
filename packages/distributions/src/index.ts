export { DistributionBase } from './distribution';
