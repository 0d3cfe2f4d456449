/** log(2 pi): the constant of every Gaussian log-density, defined once for all packages. */
export const LOG_2PI = Math.log(2 * Math.PI);

/** 0.5 log(2 pi) = log sqrt(2 pi), per coordinate of a Gaussian log-density. */
export const HALF_LOG_2PI = 0.5 * LOG_2PI;
