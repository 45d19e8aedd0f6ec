"""Rows of a prepared SELECT made into model instances as peewee makes them, in a third of its time.

peewee's cursor wrappers make an instance through `__init__`, set every column through its descriptor
(which marks it dirty, then the dirty set is cleared) and convert every value, even an integer read as an
integer: 16 us a row of the inbox's list (a ticket, its customer and its assignee), a tenth of the page.
`Hydrator.of(wrapper)` reads the plan peewee's own wrapper worked out for a query (its columns, their
converters, the instances a row makes and how joins attach them) and `hydrate(row)` follows it, writing
the values where the descriptors would (`__data__`), converting a value unless it already is what the
field's stock converter returns (an int for an integer field, a str for a text one). A query whose plan
holds anything else (a dict or tuple row, an unknown descriptor, a model with its own `__init__`) gets
None, and its rows stay peewee's. tests/core/test_hydrate.py compares both on every kind of query the
app prepares.
"""
import inspect

from peewee import (
    Field,
    FieldAccessor,
    FieldAlias,
    ForeignKeyAccessor,
    ForeignKeyField,
    IntegerField,
    Model,
    ModelCursorWrapper,
    ModelObjectCursorWrapper,
    ObjectIdAccessor,
    _StringField,
)

_STOCK_ADAPTERS = {IntegerField.adapt: int, _StringField.adapt: str}  # adapt(v) is v for a v of this type


def _already_converted_type(field):
    """The type of a value that `field.python_value` returns unchanged, or None to always convert."""
    if isinstance(field, FieldAlias):  # a column of an aliased model converts as its field
        return _already_converted_type(field.field)
    if isinstance(field, ForeignKeyField):
        return _already_converted_type(field.rel_field)
    if type(field).python_value is not Field.python_value:
        return None
    return _STOCK_ADAPTERS.get(type(field).adapt)


_MISSING = object()


def _slot(model, column):
    """(the `__data__` key the descriptor of `column` writes, True), (`column`, False) for a name the model does
    not have (`.alias("watching")`: peewee sets it as a plain attribute), or None for anything else."""
    descriptor = inspect.getattr_static(model, column, _MISSING)
    if descriptor is _MISSING:
        return column, False
    if type(descriptor) in (FieldAccessor, ForeignKeyAccessor):
        return descriptor.name, True
    if type(descriptor) is ObjectIdAccessor:  # "customer_id" sets the foreign key "customer"
        return descriptor.field.name, True
    return None


def _plain_model(constructor):
    return (isinstance(constructor, type) and issubclass(constructor, Model)
            and constructor.__init__ is Model.__init__ and constructor.__setattr__ is object.__setattr__)


class Hydrator:
    def __init__(self, classes, columns, joins, root, reachable):
        self.classes = classes  # the model of each instance a row makes
        self.columns = columns  # (row index, instance number, key, in __data__?, converter, type kept as is)
        self.joins = joins  # peewee's (source, attr, destination, is outer, is foreign key) by instance number
        self.root = root
        self.reachable = reachable  # instance number: the numbers of those joined beyond it

    @classmethod
    def of(cls, wrapper):
        """The hydrator following the plan of the initialized peewee `wrapper`, or None (see the module)."""
        if type(wrapper) is ModelObjectCursorWrapper:
            if not (wrapper.is_model and _plain_model(wrapper.constructor)):
                return None
            names = wrapper.unique_columns
            specs = [(i, 0, wrapper.constructor, names[i], wrapper.converters[i], wrapper.fields[i])
                     for i in range(wrapper.ncols)]
            return cls._built([wrapper.constructor], specs, [], 0, {})
        if type(wrapper) is not ModelCursorWrapper:
            return None
        keys = [key for key, _, _ in wrapper._constructor_list]
        classes = [construct for _, construct, _ in wrapper._constructor_list]
        if not all(is_model and _plain_model(construct) for _, construct, is_model in wrapper._constructor_list):
            return None
        number = {key: n for n, key in enumerate(keys)}
        if any(key not in number for _, key, _, _ in wrapper._row_spec):
            return None  # a column peewee sets on the row's model while marking another source as set
        root = number[wrapper.model]
        specs = [(i, number[key], classes[number[key]], column, converter, wrapper.fields[i])
                 for i, key, column, converter in wrapper._row_spec]
        joins = []
        for src, attr, dest, is_dict, is_outer, is_fk in wrapper.src_to_dest:
            if is_dict or src not in number:
                return None
            joins.append((number[src], attr, number.get(dest), dest in number, is_outer, is_fk))
        reachable = {number[dest]: frozenset(number[k] for k in found if k in number)
                     for dest, found in wrapper._dest_reachable.items() if dest in number}
        return cls._built(classes, specs, joins, root, reachable)

    @classmethod
    def _built(cls, classes, specs, joins, root, reachable):
        columns, written = [], set()
        for index, owner, model, column, converter, field in specs:
            found = _slot(model, column)
            if found is None or (owner, found) in written:  # two columns of one field: peewee's order decides
                return None
            written.add((owner, found))
            kept_type = _already_converted_type(field) if isinstance(field, Field) and converter is not None else None
            columns.append((index, owner, *found, converter, kept_type))
        return cls(classes, columns, joins, root, reachable)

    def hydrate(self, row):
        objects = []
        for model in self.classes:
            instance = model.__new__(model)
            instance.__data__, instance._dirty, instance.__rel__ = {}, set(), {}
            objects.append(instance)
        datas = [instance.__data__ for instance in objects]
        set_numbers = set()
        for index, owner, slot, in_data, converter, kept_type in self.columns:
            value = row[index]
            if value is not None:
                set_numbers.add(owner)
                if converter is not None and type(value) is not kept_type:
                    value = converter(value)
            elif converter is not None:
                value = converter(value)
            if in_data:
                datas[owner][slot] = value
            else:
                objects[owner].__dict__[slot] = value
        for src, attr, dest, dest_made, is_outer, is_fk in self.joins:  # peewee's ModelCursorWrapper, as is
            instance = objects[src]
            joined = objects[dest] if dest_made else None
            if joined is None and not dest_made:
                continue
            assign = dest not in set_numbers and bool(self.reachable.get(dest, frozenset()) & set_numbers)
            if dest not in set_numbers and not assign:
                if is_outer:
                    joined = None
                else:
                    continue
            if src not in set_numbers and dest not in set_numbers and is_outer:
                continue
            if is_fk and joined is None:
                instance.__rel__[attr] = None
            else:
                setattr(instance, attr, joined)
        for instance in objects:
            instance._dirty.clear()
        return objects[self.root]
