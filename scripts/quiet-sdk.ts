/**
 * Imported first by the scripts people run at a terminal (invoke, report, check, the demo, the
 * sandbox): turns
 * off the AWS SDK's 9-line warning that its releases after January 2027 need Node 22, which it
 * prints on Node 20 at the first client it builds. The SDK's documented switch
 * (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true) silences that one warning and nothing
 * else; a value you set yourself wins. The deployed function (nodejs24.x) never sees it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
