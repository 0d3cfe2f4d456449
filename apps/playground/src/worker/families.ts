/**
 * The posterior families the page offers. Importing a family's package registers it with
 * @ddvi/core's registry; everything else reads families from that registry (listPosteriors,
 * createPosterior) and never names one. Add a family here.
 */
import '@ddvi/posterior-adversarial';
import '@ddvi/posterior-diffusion';
import '@ddvi/posterior-flow';
import '@ddvi/posterior-gaussian';
