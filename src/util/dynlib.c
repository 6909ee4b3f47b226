/*
 * dynlib.c - loading a shared library when first needed (dynlib.h).
 */
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

static void bind(ferry_dl_lib *lib)
{
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	lib->state = -1;
	if (!h) {
		snprintf(lib->failure, sizeof(lib->failure), "%s (%s) cannot "
			"be loaded: %s; install %s (scripts/install-deps)",
			lib->what, lib->soname, dlerror(), lib->package);
		return;
	}
	for (i = 0; i < lib->n; i++) {
		if ((*lib->syms[i].slot = dlsym(h, lib->syms[i].name)) ==
		    NULL) {
			snprintf(lib->failure, sizeof(lib->failure), "%s (%s) "
				"lacks %s: it is older than the one ferry was "
				"built with; install a newer %s", lib->what,
				lib->soname, lib->syms[i].name, lib->package);
			return;
		}
	}
	lib->state = 1;
}

int ferry_dl_load(ferry_dl_lib *lib, const char **why)
{
	int state;

	pthread_mutex_lock(&lib->lock);
	if (lib->state == 0)
		bind(lib);
	state = lib->state;
	pthread_mutex_unlock(&lib->lock);
	if (state < 0 && why)
		*why = lib->failure;
	return state < 0 ? -1 : 0;
}
