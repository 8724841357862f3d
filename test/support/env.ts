// Tests run on Node 20+; the AWS SDK's notice about Node 22 would only bury real output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
