/**
 * The pieces of platform/telemetry that decide what leaves a process: whether
 * tracing starts at all, which exporter the environment asks for, and the SQL
 * text a span keeps (the e2e test, test/e2e/telemetry.e2e.test.ts, runs them
 * in the whole shop).
 */
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { partName, tracingConfigured } from '../../platform/telemetry';
import { maskSqlLiterals, otlpTraceExporter } from '../../platform/telemetry/sdk';

describe('tracingConfigured', () => {
  it('is on only with an OTLP endpoint, and off when the spec says so', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it("names each process's spans after its part", () => {
    expect(partName('/app/dist/services/orders/main.js')).toBe('orders');
    expect(partName('/repo/gateway/main.ts')).toBe('gateway');
    expect(partName('/repo/scripts/checkout.ts')).toBe('checkout-script');
  });
});

describe('otlpTraceExporter', () => {
  it('sends protobuf by default, JSON when asked, and refuses a protocol it does not ship', () => {
    expect(otlpTraceExporter({})).toBeInstanceOf(OTLPTraceExporter);
    expect(otlpTraceExporter({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeInstanceOf(OTLPJsonTraceExporter);
    expect(otlpTraceExporter({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })).toBeInstanceOf(OTLPTraceExporter);
    expect(() => otlpTraceExporter({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL "grpc" is not supported/);
  });
});

describe('maskSqlLiterals', () => {
  it('masks the values MikroORM writes into its SQL, keeping identifiers, keywords and placeholders', () => {
    expect(
      maskSqlLiterals(
        `insert into "shop_users" ("id", "email", "name", "login_attempts", "score") values ('3f1c', 'ada@example.com', 'O''Brien', 3, -1.5e3)`,
      ),
    ).toBe(`insert into "shop_users" ("id", "email", "name", "login_attempts", "score") values (?, ?, ?, ?, ?)`);
    expect(maskSqlLiterals(`select "c0".* from "checkout_records" as "c0" where "c0"."id" = 'x' and "c1"."n" > $1 limit 1`)).toBe(
      `select "c0".* from "checkout_records" as "c0" where "c0"."id" = ? and "c1"."n" > $1 limit ?`,
    );
    expect(maskSqlLiterals(`update "t2" set "a" = '12 Analytical Way', "b" = NULL`)).toBe(`update "t2" set "a" = ?, "b" = NULL`);
  });
});
