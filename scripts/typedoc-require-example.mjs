// A TypeDoc plugin: every export of the kinds listed in `requireExampleFor` must carry an `@example` block (on
// itself or on one of its signatures). A missing one is a warning, which `treatWarningsAsErrors` in typedoc.json
// turns into a failed `npm run docs`. `intentionallyWithoutExample` names exports (`index.Client`) let off for
// now; an entry that is no longer needed is a warning too, so the list can only shrink.
import { Converter, ParameterType, ReflectionKind } from 'typedoc'

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.options.addDeclaration({
    name: 'requireExampleFor',
    help: 'Kinds of exports (Function, Class, Variable, Interface, TypeAlias, …) that must have an @example block',
    type: ParameterType.Array,
    defaultValue: ['Function', 'Class', 'Variable', 'Interface', 'TypeAlias'],
  })
  app.options.addDeclaration({
    name: 'intentionallyWithoutExample',
    help: 'Exports, as entry.name, that may lack an @example block',
    type: ParameterType.Array,
    defaultValue: [],
  })

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const kinds = app.options.getValue('requireExampleFor')
    const excused = new Set(app.options.getValue('intentionallyWithoutExample'))
    for (const module of context.project.children ?? []) {
      for (const reflection of module.children ?? []) {
        const kind = ReflectionKind[reflection.kind]
        if (!kinds.includes(kind)) continue
        const name = `${module.name}.${reflection.name}`
        const comments = [reflection.comment, ...(reflection.signatures ?? []).map((signature) => signature.comment)]
        const hasExample = comments.some((comment) => comment?.getTag('@example'))
        if (excused.delete(name) === hasExample) {
          app.logger.warn(
            hasExample
              ? `${name} has an @example: remove it from intentionallyWithoutExample`
              : `${name} (${kind}) has no @example`,
          )
        }
      }
    }
    for (const name of excused) app.logger.warn(`intentionallyWithoutExample names ${name}, which is not exported`)
  })
}
