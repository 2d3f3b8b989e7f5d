// Event pairs: two peered events; closing one asserts ZX_EVENTPAIR_PEER_CLOSED on the other.
#ifndef ZC_OBJECTS_EVENTPAIR_H
#define ZC_OBJECTS_EVENTPAIR_H

#include <zircon/types.h>

#include "objects/kobj.h"

zx_status_t eventpair_create(struct kobj **a, struct kobj **b) __attribute__((warn_unused_result));

#endif
