// A zod schema with every object made strict, all the way down: what tests check replies with, so
// a key the declared shape does not name fails (the apps' schemas drop such keys instead).
import * as z from 'zod';

/** `schema` with `z.strictObject` for every object in it; throws on a kind it does not know. */
export function strictly<T extends z.ZodType>(schema: T): T {
  return strict(schema) as T;
}

function strict(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object': {
      const { shape } = schema as z.ZodObject;
      return z.strictObject(
        Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, strict(value)])),
      );
    }
    case 'array':
      return z.array(strict((schema as z.ZodArray<z.ZodType>).element));
    case 'nullable':
      return strict((schema as z.ZodNullable<z.ZodType>).unwrap()).nullable();
    case 'union': {
      const options = (schema as z.ZodUnion<z.ZodType[]>).options.map(strict);
      const { discriminator } = def as { discriminator?: string };
      return discriminator
        ? z.discriminatedUnion(discriminator, options as [z.ZodObject, ...z.ZodObject[]])
        : z.union(options);
    }
    // Nothing inside these can hold an unnamed key (a record's keys are checked by its key schema).
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
    case 'literal':
    case 'enum':
    case 'record':
      return schema;
    default:
      // Unknown here, so it could hide a loose object: teach this function about it.
      throw new Error(`strictly(): no strict form for a ${def.type} schema`);
  }
}
