// Store errors not (yet) in ../types.ts. No driver import here: the in-process store uses them too.

/** createInstance was given an id that already exists. */
export class InstanceExistsError extends Error {
  constructor(readonly instanceId: string) {
    super(`instance ${instanceId} already exists`);
    this.name = "InstanceExistsError";
  }
}
