import { LAMBDA_MB_PER_VCPU } from '../shared/limits';
import type { Assumptions } from './aws-projection';

/**
 * What the AWS projection assumes, each with its source. Figures that AWS documents cite the page; the
 * rest are labelled assumptions, to be replaced by figures measured on a deployment.
 */
export const AWS_ASSUMPTIONS: Assumptions = {
  postLatencyMs: {
    value: { p50: 20, p99: 100 },
    source:
      'Assumption (AWS publishes no PostToConnection latency): p50 20 ms, the per-call latency of the local bench goal ' +
      '(issue 13, "10,000 subscribers with 20 ms per call"); p99 100 ms, a 5× tail for an in-region HTTPS call ' +
      'through API Gateway. Replace with client-side timings of a deployment.',
  },
  triggerMs: {
    value: { p50: 80, p99: 300 },
    source:
      'Assumption from a reported figure: EventBridge end-to-end 80 ms at p90 (AWS Architecture Blog, "Mastering millisecond ' +
      'latency and millions of events…", Amazon Key, 2026-02-04); p50 80 ms and p99 300 ms here, including Lambda\'s ' +
      'asynchronous-invoke queue. Applied to the AWS sample too (it is triggered by a client message; neutral).',
  },
  sequenceMs: {
    value: { p50: 20, p99: 60 },
    source:
      'Assumption: numbering a channel message is 4 sequential DynamoDB calls (GetItem, UpdateItem, 2 PutItem: ' +
      'lambdas/adapters/dynamodb-channel-history.ts) at DynamoDB\'s "single-digit millisecond" latency.',
  },
  queryPageMs: {
    value: { p50: 15, p99: 60 },
    source: 'Assumption: DynamoDB service time of one Query/Scan page of up to 1 MB (the local dynalite time is not representative).',
  },
  sqsCallMs: {
    value: { p50: 10, p99: 50 },
    source: 'Assumption: one in-region SQS call (SendMessageBatch, ReceiveMessage).',
  },
  sqsToWorkerMs: {
    value: { p50: 100, p99: 500 },
    source:
      'Assumption from a reported figure: ~125 ms per SQS → Lambda hop including the send (github.com/lukehoban/lambdaperf); ' +
      'p99 500 ms assumed (long polling, hand-off between pollers).',
  },
  runtimeInitMs: {
    value: { p50: 150, p99: 400 },
    source:
      'Assumption within AWS\'s range: "the duration of a cold start varies from under 100 ms to over 1 second" (AWS Compute ' +
      'Blog, Operating Lambda: performance optimization, part 1); this is the sandbox and runtime start only — the ' +
      "handler's module initialisation is measured (bench/handler-init.ts) and scaled by the CPU share.",
  },
  coldStartProbability: {
    value: 0.01,
    source: 'AWS: cold starts "typically occur in under 1% of invocations" (AWS Compute Blog, Operating Lambda: performance optimization, part 1).',
  },
  warmWorkerInstances: {
    value: 5,
    source:
      'Assumption: steady traffic keeps as many fan-out worker instances warm as the event source mapping starts at once (5); ' +
      'instances beyond those start cold.',
  },
  throttle: {
    value: { ratePerSecond: 10_000, burst: 5_000 },
    source:
      'API Gateway quotas (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html): 10,000 requests per second per ' +
      'account and region across HTTP, REST, WebSocket APIs and WebSocket callback APIs, token bucket of 5,000. Assumed ' +
      'otherwise idle (it is shared with every API of the account).',
  },
  esmScaling: {
    value: { initialConcurrency: 5, addedPerMinute: 300 },
    source:
      'Lambda docs, "Configuring scaling behavior for SQS event source mappings": Lambda starts processing five batches at ' +
      'a time with five concurrent invocations, then adds up to 300 instances per minute while messages remain, up to the ' +
      "mapping's MaximumConcurrency.",
  },
  cpuShare: {
    value: { mbPerVcpu: LAMBDA_MB_PER_VCPU, usableVcpus: 1 },
    source:
      'Lambda docs (configuration-memory): CPU is allocated in proportion to memory; "at 1,769 MB, a function has the ' +
      'equivalent of one vCPU". The posting runs on Node\'s one JavaScript thread, so at most one vCPU is counted.',
  },
  lambdaVcpuSpeed: {
    value: 1,
    source:
      'Assumption: one Lambda vCPU (arm64, Graviton) runs this code as fast as one core of the measuring machine. Not measured on AWS.',
  },
  itemBytes: {
    value: { audience: 100, shard: 80, sampleConnection: 28 },
    source:
      'Computed from the key formats (shared/table-schema.ts; KEYS_ONLY index items: pk conn#<16-character id>, sk, the ' +
      'index key, connectionId) as attribute names + values, rounded up; the sample\'s item is its connectionId (12 + 16 bytes).',
  },
  pageBytes: {
    value: 1024 * 1024,
    source: 'DynamoDB: one Query or Scan call reads at most 1 MB (before any projection).',
  },
  connectionIdChars: {
    value: 16,
    source: 'API Gateway connection ids are 16 characters (test/fixtures/apigw-websocket).',
  },
  channelUnits: {
    value: { readUnits: 1, writeUnits: 3 },
    source: 'lambdas/adapters/dynamodb-channel-history.ts: one consistent GetItem, one UpdateItem, two PutItem of under 1 KB (a 300-byte frame).',
  },
  sample: {
    value: { memoryMb: 256, timeoutMs: 3000, maxSockets: 50 },
    source:
      'aws-samples/simple-websockets-chat-app template.yaml: MemorySize 256, no Timeout (SAM\'s default, 3 s), x86; the SDK ' +
      "client with its default agent (@smithy/node-http-handler's default maxSockets 50).",
  },
  prices: {
    value: {
      apiGatewayMessagePerMillion: 1.0,
      apiGatewayMessageBytes: 32 * 1024,
      lambdaRequestPerMillion: 0.2,
      lambdaGbSecondArm: 0.0000133334,
      lambdaGbSecondX86: 0.0000166667,
      dynamoReadUnitPerMillion: 0.125,
      dynamoWriteUnitPerMillion: 0.625,
      sqsRequestPerMillion: 0.4,
      sqsRequestBytes: 64 * 1024,
      eventBridgeEventPerMillion: 1.0,
      eventBridgeEventBytes: 64 * 1024,
    },
    source:
      'us-east-1 list prices, first tiers, as known on 2026-12-01 (aws.amazon.com/{api-gateway,lambda,dynamodb,sqs,eventbridge}/pricing). ' +
      'Checked against stored copies found with the search tool: API Gateway WebSocket messages metered in 32 KB increments ' +
      '(aws.amazon.com/api-gateway/pricing), $1.00 per million for the first billion; Lambda arm64 $0.0000133334 and x86 ' +
      '$0.0000166667 per GB-second, $0.20 per million requests; DynamoDB on-demand $0.125 per million read and $0.625 per ' +
      'million write request units. SQS standard $0.40 per million requests (64 KB chunks) and EventBridge custom events ' +
      '$1.00 per million (64 KB chunks) are stated from the pricing pages as known, not re-checked. Free tiers ignored.',
  },
};
