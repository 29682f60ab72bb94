/**
 * Failure messages and stack traces travel as an encoded payload (and so go
 * through the encryption codec) instead of plain text in Temporal's history:
 * an error can quote what it was given. Loaded by path (DataConverter's
 * `failureConverterPath`), also inside the workflow sandbox, so it imports
 * nothing but @temporalio/common.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
