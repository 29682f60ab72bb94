/**
 * The payload codec on its own: encryption round trips, key rotation, unknown
 * keys, tampering, plaintext passing through, and where its keys come from.
 * (A real worker and gateway encrypting a checkout's history: test/e2e/private-data.e2e.test.ts.)
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { decode as utf8Decode } from '@temporalio/common/lib/encoding';
import { newKeyEntry, parseKeyList } from '../../platform/secrets';
import { codecKeys, EncryptionCodec, ENCRYPTED_ENCODING, isEncrypted, KEY_ID_METADATA, UnknownCodecKeyError } from '../../platform/temporal-codec';
import { HISTORIES_DIR, historyFromText } from '../workflows/support';

const customer = { customerEmail: 'ada@example.com', phone: '+441234567890', shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Way' } };
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (payloads: Payload[]) => payloads.map((p) => Buffer.from(p.data ?? []).toString('latin1') + JSON.stringify(p.metadata)).join();
/** Payloads as comparable values: protobuf hands back Buffers where the converter made Uint8Arrays, and no data as empty. */
const same = (payloads: Payload[]) =>
  payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('hex')])),
    data: Buffer.from(p.data ?? []).toString('hex'),
  }));
const keyId = (p: Payload) => utf8Decode(p.metadata![KEY_ID_METADATA]!);
const codecWith = (...ids: string[]) => new EncryptionCodec(ids.map((id) => parseKeyList(keys[id]!, id)[0]!));
const keys: Record<string, string> = { k1: newKeyEntry('k1'), k2: newKeyEntry('k2'), k3: newKeyEntry('k3') };

describe('the encryption codec', () => {
  it('turns payloads into ciphertext that names its key, and back into the same payloads', async () => {
    const codec = codecWith('k1');
    const plain = [payload(customer), payload('ada@example.com'), payload(undefined)];
    const encoded = await codec.encode(plain);

    for (const one of encoded) {
      expect(isEncrypted(one)).toBe(true);
      expect(utf8Decode(one.metadata![METADATA_ENCODING_KEY]!)).toBe(ENCRYPTED_ENCODING);
      expect(keyId(one)).toBe('k1');
    }
    expect(text(encoded)).not.toMatch(/ada@example\.com|Lovelace|Analytical|json\/plain/);
    expect(same(await codec.decode(encoded))).toEqual(same(plain));
    expect(defaultPayloadConverter.fromPayload((await codec.decode(encoded))[0]!)).toEqual(customer);
  });

  it('never encrypts the same payload to the same bytes', async () => {
    const codec = codecWith('k1');
    const [first, second] = await codec.encode([payload(customer), payload(customer)]);
    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).toBe(false);
  });

  it('rotates: new payloads use the newest key, payloads under an older listed key still decrypt', async () => {
    const before = codecWith('k1');
    const old = await before.encode([payload(customer)]);
    const after = codecWith('k2', 'k1');

    const fresh = await after.encode([payload(customer)]);
    expect(keyId(fresh[0]!)).toBe('k2');
    expect(after.keyId).toBe('k2');
    expect(same(await after.decode([...old, ...fresh]))).toEqual(same([payload(customer), payload(customer)]));
    // The old process, not yet given the new key, cannot read what the new one wrote, and says which key it lacks.
    await expect(before.decode(fresh)).rejects.toThrow(UnknownCodecKeyError);
  });

  it('refuses a payload under a key it does not have, naming that key and where keys come from', async () => {
    const encoded = await codecWith('k3').encode([payload(customer)]);
    const error = await codecWith('k2', 'k1')
      .decode(encoded)
      .then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownCodecKeyError);
    expect((error as Error).message).toMatch(/key 'k3', which is not among the codec keys \(k2, k1\).*TEMPORAL_CODEC_KEYS/);
  });

  it('refuses altered ciphertext, and ciphertext relabelled with another key id', async () => {
    const codec = codecWith('k2', 'k1');
    const [encoded] = await codec.encode([payload(customer)]);
    const altered = Buffer.from(encoded!.data!);
    altered[20] = altered[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data: altered }])).rejects.toThrow(/does not decrypt: it was altered/);
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [KEY_ID_METADATA]: Buffer.from('k1') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/with the key 'k1' does not decrypt/);
  });

  it('passes payloads that were never encrypted through unchanged (histories from before the codec)', async () => {
    const plain = [payload(customer), { metadata: { [METADATA_ENCODING_KEY]: Buffer.from('binary/null') } }, { data: Buffer.from('raw') }];
    expect(await codecWith('k1').decode(plain)).toEqual(plain);
  });

  it('decodes every payload of the recorded histories as it was: they hold plaintext', async () => {
    const codec = codecWith('k1');
    const files = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    let seen = 0;
    for (const file of files) {
      const history = historyFromText(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
      const payloads = collectPayloads(history);
      seen += payloads.length;
      expect(await codec.decode(payloads)).toEqual(payloads);
    }
    expect(seen).toBeGreaterThan(files.length);
  });
});

/** Every Payload object anywhere in a history: objects with a metadata map and data. */
function collectPayloads(value: unknown, found: Payload[] = []): Payload[] {
  if (Array.isArray(value)) value.forEach((item) => collectPayloads(item, found));
  else if (value && typeof value === 'object') {
    if ('metadata' in value && 'data' in value) found.push(value as Payload);
    else Object.values(value).forEach((item) => collectPayloads(item, found));
  }
  return found;
}

describe('the codec keys', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'codec-keys-'));

  it('come from TEMPORAL_CODEC_KEYS, newest first', () => {
    const list = codecKeys({ TEMPORAL_CODEC_KEYS: `${keys.k2},${keys.k1}` }, '/nonexistent');
    expect(list.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(list[0]!.key).toHaveLength(32);
  });

  it('or from the file TEMPORAL_CODEC_KEYS_FILE names, one per line', () => {
    const file = path.join(dir(), 'keys');
    writeFileSync(file, `${keys.k3}\n${keys.k1}\n`);
    expect(codecKeys({ TEMPORAL_CODEC_KEYS_FILE: file }, '/nonexistent').map((key) => key.id)).toEqual(['k3', 'k1']);
    expect(() => codecKeys({ TEMPORAL_CODEC_KEYS_FILE: path.join(dir(), 'missing') }, '/nonexistent')).toThrow(/TEMPORAL_CODEC_KEYS_FILE is .*missing, which cannot be read/);
  });

  it.each([
    ['a key of the wrong length', 'k1:c2hvcnQ=', /must be 32 bytes/],
    ['an entry without an id', `:${keys.k1!.split(':')[1]}`, /must be id:base64/],
    ['an id used twice', `${keys.k1},${keys.k1}`, /'k1' appears twice/],
  ])('refuses %s', (_what, value, message) => {
    expect(() => codecKeys({ TEMPORAL_CODEC_KEYS: value }, '/nonexistent')).toThrow(message);
  });

  it('are demanded in production', () => {
    expect(() => codecKeys({ NODE_ENV: 'production' }, path.join(dir(), 'local'))).toThrow(/TEMPORAL_CODEC_KEYS \(or TEMPORAL_CODEC_KEYS_FILE\) must be set when NODE_ENV=production/);
  });

  it('are made once locally, readable only by their owner, and the same for every later reader', () => {
    const file = path.join(dir(), 'nested', 'temporal-codec-keys');
    const first = codecKeys({}, file);
    expect(first).toHaveLength(1);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(codecKeys({}, file)).toEqual(first);
  });
});
