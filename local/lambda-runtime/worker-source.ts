/**
 * Source of the code that runs inside each function's worker thread (the emulated Lambda Node.js runtime).
 * Kept as a string and started with `new Worker(source, { eval: true })` so it works the same under tsx,
 * ts-jest and a bundle (no file path to resolve).
 *
 * Protocol: the host posts `{type:'invoke', id, event, context}`; the worker answers
 * `{type:'result', id, ok, result | errorType, errorMessage, trace}`, and `{type:'crash', errorType, errorMessage}`
 * when the function throws outside an invocation's promise chain (the host then lets the worker die).
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

let handlerFn;
let currentId;

// This thread's own CPU time in ms: /proc/thread-self/schedstat's first field is the nanoseconds it ran on a
// CPU (Linux); elsewhere the process's CPU, which counts the other threads too. The file is opened once (by
// this thread, so it stays this thread's) and read again from its start at each call.
const schedstat = { fd: undefined, buffer: Buffer.alloc(128), failed: false };
function threadCpuMs() {
  if (!schedstat.failed) {
    try {
      // Node closes it when the worker exits (the Worker option trackUnmanagedFds, on by default).
      if (schedstat.fd === undefined) schedstat.fd = fs.openSync('/proc/thread-self/schedstat', 'r');
      const n = fs.readSync(schedstat.fd, schedstat.buffer, 0, schedstat.buffer.length, 0);
      return Number(schedstat.buffer.toString('latin1', 0, n).split(' ')[0]) / 1e6;
    } catch (e) {
      schedstat.failed = true;
    }
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// The AWS SDK v3 as Lambda's Node.js runtime provides it: an '@aws-sdk/...' or '@smithy/...' require that the
// function's own folders cannot resolve falls back to the SDK installed beside the local cloud (workerData.sdk).
// Each worker has its own module loader, so this changes nothing outside the function.
(function provideSdk(sdk) {
  if (!sdk) return;
  const Module = require('node:module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    try {
      return resolve.call(this, request, parent, isMain, options);
    } catch (err) {
      if (!err || err.code !== 'MODULE_NOT_FOUND' || !/^@(aws-sdk|smithy)\//.test(request)) throw err;
      try {
        return resolve.call(this, request, parent, isMain, { paths: [sdk.root] });
      } catch (missing) {
        const name = request.split('/').slice(0, 2).join('/');
        const e = new Error("Cannot find module '" + request + "': the local cloud provides the AWS SDK v3 packages it installs (" +
          sdk.packages.join(', ') + ") and their dependencies, not " + name + ". Add it to your project (npm install " + name +
          ") and bundle it into the function.");
        e.code = 'MODULE_NOT_FOUND';
        throw e;
      }
    }
  };
})(workerData.sdk);

function describeError(err) {
  if (err instanceof Error) {
    return { errorType: err.name || 'Error', errorMessage: err.message, trace: String(err.stack || '').split('\n') };
  }
  if (typeof err === 'string') return { errorType: 'string', errorMessage: err, trace: [] };
  let message;
  try { message = JSON.stringify(err); } catch (e) { message = String(err); }
  return { errorType: typeof err, errorMessage: message === undefined ? String(err) : message, trace: [] };
}

function crash(errorType, errorMessage) {
  try { parentPort.postMessage({ type: 'crash', id: currentId, errorType: errorType, errorMessage: errorMessage }); } catch (e) {}
  process.exit(129);
}

process.on('uncaughtException', function (err) {
  const d = describeError(err);
  crash(d.errorType, d.errorMessage);
});
process.on('unhandledRejection', function (reason) {
  const text = reason instanceof Error ? reason.name + ': ' + reason.message : String(reason);
  crash('Runtime.UnhandledPromiseRejection', text);
});

class HandlerError extends Error {
  constructor(type, message) { super(message); this.lambdaType = type; }
}

async function loadHandler() {
  const spec = String(workerData.handler || '');
  const base = path.basename(spec);
  const match = /^([^.]+)\.(.+)$/.exec(base);
  if (!match) throw new HandlerError('Runtime.MalformedHandlerName', 'Bad handler ' + spec);
  const modulePath = path.resolve(workerData.assetDir, path.dirname(spec), match[1]);
  const exportPath = match[2].split('.');
  let mod;
  const candidates = ['.js', '.cjs', '.mjs'].map(function (ext) { return modulePath + ext; });
  const file = candidates.find(function (f) { return fs.existsSync(f); });
  if (!file) {
    throw new HandlerError('Runtime.ImportModuleError', "Error: Cannot find module '" + match[1] + "'");
  }
  try {
    mod = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : require(file);
  } catch (err) {
    if (err instanceof SyntaxError) throw new HandlerError('Runtime.UserCodeSyntaxError', err.name + ': ' + err.message);
    if (err && err.code === 'MODULE_NOT_FOUND') throw new HandlerError('Runtime.ImportModuleError', 'Error: ' + err.message.split('\n')[0]);
    throw err;
  }
  const fn = exportPath.reduce(function (o, k) { return o === undefined || o === null ? undefined : o[k]; }, mod);
  if (typeof fn !== 'function') {
    throw new HandlerError('Runtime.HandlerNotFound', spec + ' is undefined or not exported');
  }
  return fn;
}

function runHandler(fn, event, context) {
  return new Promise(function (resolve, reject) {
    let settled = false;
    const callback = function (err, result) {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err); else resolve(result);
    };
    context.done = callback;
    context.succeed = function (result) { callback(null, result); };
    context.fail = function (err) { callback(err === undefined || err === null ? new Error('handled') : err); };
    let returned;
    try {
      returned = fn(event, context, callback);
    } catch (err) {
      callback(err);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then(function (r) { callback(null, r); }, function (e) { callback(e === undefined || e === null ? new Error('Promise rejected with ' + e) : e); });
    } else if (fn.length < 3) {
      callback(null, undefined);
    }
  });
}

parentPort.on('message', async function (msg) {
  if (!msg || msg.type !== 'invoke') return;
  currentId = msg.id;
  const c = msg.context;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: c.functionName,
    functionVersion: c.functionVersion,
    invokedFunctionArn: c.invokedFunctionArn,
    memoryLimitInMB: c.memoryLimitInMB,
    awsRequestId: c.awsRequestId,
    logGroupName: c.logGroupName,
    logStreamName: c.logStreamName,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: function () { return Math.max(0, c.deadline - Date.now()); },
  };
  let initDurationMs;
  const cpuAtStart = threadCpuMs();
  try {
    if (!handlerFn) {
      const t0 = performance.now();
      handlerFn = await loadHandler();
      initDurationMs = performance.now() - t0;
    }
  } catch (err) {
    const d = err instanceof HandlerError ? { errorType: err.lambdaType, errorMessage: err.message, trace: [] } : describeError(err);
    parentPort.postMessage(Object.assign({ type: 'result', id: msg.id, ok: false, fatal: true }, d));
    return;
  }
  try {
    const result = await runHandler(handlerFn, msg.event, context);
    let serialized;
    try {
      serialized = result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (err) {
      parentPort.postMessage({ type: 'result', id: msg.id, ok: false, errorType: 'Runtime.SerializationError', errorMessage: 'Unable to stringify response body: ' + err.message, trace: [], initDurationMs: initDurationMs });
      return;
    }
    parentPort.postMessage({ type: 'result', id: msg.id, ok: true, result: serialized, initDurationMs: initDurationMs, cpuMs: threadCpuMs() - cpuAtStart });
  } catch (err) {
    parentPort.postMessage(Object.assign({ type: 'result', id: msg.id, ok: false, initDurationMs: initDurationMs, cpuMs: threadCpuMs() - cpuAtStart }, describeError(err)));
  } finally {
    currentId = undefined;
  }
});
`;
