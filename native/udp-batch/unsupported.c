/* sendmmsg and UDP_SEGMENT are Linux calls: elsewhere the addon loads nothing and the relay
 * uses its JavaScript send path. */
#include <node_api.h>

static napi_value init(napi_env env, napi_value exports) {
  (void)env;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
