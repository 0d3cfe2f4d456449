export {
  installBlasKernels,
  uninstallBlasKernels,
  installedBlasKernels,
  isBlasInstalled,
  blasAvailability,
  blasKernelStats,
  blasDisabledByEnv,
  BLAS_ENV_VAR,
  BLAS_THREADS_ENV_VAR,
} from './install';
export type { BlasInstallOptions, BlasStatus } from './install';
export type { BlasKernelStats } from './kernels';
