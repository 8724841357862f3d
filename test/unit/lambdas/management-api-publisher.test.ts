import { toPublishError } from '../../../lambdas/adapters/management-api-publisher';
import {
  ForbiddenError,
  GoneError,
  NetworkError,
  PayloadTooLargeError,
  ServerError,
  ThrottledError,
  UnexpectedPublishError,
} from '../../../lambdas/core/errors';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}) });

describe('toPublishError', () => {
  it.each([
    [sdkError('GoneException', 410), GoneError, false],
    [sdkError('Unknown', 410), GoneError, false],
    [sdkError('ForbiddenException', 403), ForbiddenError, false],
    [sdkError('PayloadTooLargeException', 413), PayloadTooLargeError, false],
    [sdkError('LimitExceededException', 429), ThrottledError, true],
    [sdkError('ThrottlingException', 400), ThrottledError, true],
    [sdkError('InternalServerError', 500), ServerError, true],
    [sdkError('Unknown', 503), ServerError, true],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), NetworkError, true],
    [sdkError('TimeoutError'), NetworkError, true],
    [sdkError('BadRequestException', 400), UnexpectedPublishError, false],
  ])('maps %s', (error, type, retryable) => {
    const mapped = toPublishError('conn-1', error);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.connectionId).toBe('conn-1');
    expect(mapped.cause).toBe(error);
    expect(mapped.name).toBe(type.name);
  });
});
