#!/usr/bin/env node
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../lib/config';
import { PushStack } from '../lib/push-stack';

const app = new App();
new PushStack(app, 'WebSocketPush', { config: readConfig(app.node) });
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
