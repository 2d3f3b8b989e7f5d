// The object layer's initialisation.
#ifndef ZC_OBJECTS_INIT_H
#define ZC_OBJECTS_INIT_H

// The slab caches of the object types and the shared zero page. The boot runs it at
// INIT_LEVEL_OBJECTS (objects/init.c registers it, and then makes the root job); the host
// unit tests call it directly.
void objects_init(void);

#endif
