/**
 * The payload codec: every payload this shop hands Temporal (workflow and
 * activity inputs and results, update and signal arguments, query results,
 * memo, failure details) is encrypted with AES-256-GCM before it leaves the
 * process, so Temporal's database and UI hold only ciphertext. Staff read it
 * decoded through the codec server (codec-server/), never from the database.
 *
 * An encrypted payload is the whole original payload (metadata and data,
 * protobuf-serialised), encrypted, with the id of the key in its metadata:
 *   metadata: { encoding: "binary/encrypted", "encryption-key-id": "<id>" }
 *   data:     12-byte IV ‖ ciphertext ‖ 16-byte tag   (the key id is the additional authenticated data)
 *
 * Keys: TEMPORAL_CODEC_KEYS (`id:base64,...`, newest first) or a file named by
 * TEMPORAL_CODEC_KEYS_FILE; locally, made once in .data/temporal-codec-keys.
 * New payloads use the newest key; every listed key still decrypts, so a key
 * is rotated by putting a new one in front and dropped only once no history
 * needs it. Payloads that are not encrypted (histories from before the codec)
 * pass through as they are.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import { METADATA_ENCODING_KEY, ValueError, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { decode as utf8Decode, encode as utf8Encode } from '@temporalio/common/lib/encoding';
import { temporal } from '@temporalio/proto';
import { keyListFromEnv, LOCAL_SECRETS_DIR, type NamedKey } from './secrets';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CODEC_KEYS_VARIABLE = 'TEMPORAL_CODEC_KEYS';
export const LOCAL_CODEC_KEYS_FILE = path.join(LOCAL_SECRETS_DIR, 'temporal-codec-keys');
/**
 * For bundleWorkflowCode({ failureConverterPath }) when the workflows are bundled
 * ahead of time: a worker given a prebuilt bundle takes the failure converter from the bundle.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./temporal-failure-converter');

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload names a key this process does not have: add it to TEMPORAL_CODEC_KEYS. */
export class UnknownCodecKeyError extends ValueError {
  constructor(
    readonly keyId: string,
    knownIds: string[],
  ) {
    super(
      `a payload is encrypted with the key '${keyId}', which is not among the codec keys (${knownIds.join(', ')}): ` +
        `add it to ${CODEC_KEYS_VARIABLE} (older keys after the newest) to read it`,
    );
  }
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  private readonly newest: NamedKey;

  /** `keys` newest first: the first encrypts, all decrypt. */
  constructor(keys: NamedKey[]) {
    const newest = keys[0];
    if (!newest) throw new Error('the encryption codec needs at least one key');
    this.newest = newest;
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /** The id new payloads are encrypted with. */
  get keyId(): string {
    return this.newest.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const { id, key } = this.newest;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(id));
      const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [METADATA_ENCODING_KEY]: utf8Encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8Encode(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes) throw new ValueError(`an encrypted payload has no '${KEY_ID_METADATA}' in its metadata`);
    const id = utf8Decode(keyIdBytes);
    const key = this.keys.get(id);
    if (!key) throw new UnknownCodecKeyError(id, [...this.keys.keys()]);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError(`an encrypted payload (key '${id}') is too short to be one`);
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ValueError(`a payload encrypted with the key '${id}' does not decrypt: it was altered, or the key '${id}' is not the one it was encrypted with`);
    }
    const { metadata, data: original } = temporal.api.common.v1.Payload.decode(plaintext);
    return { metadata: { ...metadata }, data: original };
  }
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && utf8Decode(encoding) === ENCRYPTED_ENCODING;
}

/** The codec keys, newest first (see the top of this file). */
export function codecKeys(env: Record<string, string | undefined> = process.env, localFile: string = LOCAL_CODEC_KEYS_FILE): NamedKey[] {
  return keyListFromEnv(env, { variable: CODEC_KEYS_VARIABLE, localFile });
}

export function encryptionCodec(env: Record<string, string | undefined> = process.env): EncryptionCodec {
  return new EncryptionCodec(codecKeys(env));
}

/**
 * What every worker and client of this shop passes as `dataConverter`: the
 * encryption codec, and failure messages encoded so that the codec encrypts them too.
 */
export function temporalDataConverter(env: Record<string, string | undefined> = process.env): DataConverter {
  return { payloadCodecs: [encryptionCodec(env)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
