export { DecoderModel } from './decoder_model';
export type { DecoderModelConfig } from './decoder_model';
export { LIKELIHOODS, checkLikelihood } from './likelihood';
export type { LikelihoodName } from './likelihood';
