/**
 * Posterior families the command knows. Importing a family's package registers it with
 * @ddvi/core's registry; everything else in the CLI reads families from that registry
 * (listPosteriors, createPosterior, posteriorFromJSON) and never names one. Add a family here.
 */
import '@ddvi/posterior-adversarial';
import '@ddvi/posterior-diffusion';
import '@ddvi/posterior-flow';
import '@ddvi/posterior-gaussian';
// The semi-supervised wrapper `semi` (not a family of its own: benchmarks list families without it).
import '@ddvi/posterior-semi';
