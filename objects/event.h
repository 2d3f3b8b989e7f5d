// Events: an object with signals and nothing else (zx_event_create).
#ifndef ZC_OBJECTS_EVENT_H
#define ZC_OBJECTS_EVENT_H

#include <zircon/types.h>

#include "objects/kobj.h"

zx_status_t event_create(struct kobj **out) __attribute__((warn_unused_result));

#endif
