// tfjs-core alone registers no gradients; this module (bundled into our dist by tsup, since its
// extensionless ESM imports fail in plain Node) registers tfjs' own gradient table once.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
