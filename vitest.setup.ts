// Every test file starts on the default backend (wasm, or DDVI_BACKEND), with gradients registered.
import { initBackend } from './packages/core/src/backend/init';

await initBackend();
