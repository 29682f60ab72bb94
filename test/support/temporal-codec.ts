/**
 * The shop's payload codec for tests that run the worker, the gateway or a
 * client against a Temporal server: one fresh key per test file, handed to
 * every part in that file (TEMPORAL_CODEC_KEYS in their environment), so
 * tests encrypt exactly as the shop does without touching .data/.
 */
import { newKeyEntry } from '../../platform/secrets';
import { temporalDataConverter } from '../../platform/temporal-codec';

export const testCodecEnv = { TEMPORAL_CODEC_KEYS: newKeyEntry('test') };

export const testDataConverter = () => temporalDataConverter(testCodecEnv);
