"""What every supervision ViewSet shares: scoped lookups, inputs validated by a serializer,
service errors turned into answers (a rule broken: 400; a refusal: 403 with its reason — the
refusal is already recorded by the service)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cases.api.views import FILTER_BACKENDS, ID


class SupervisionViewSet(viewsets.GenericViewSet):
    filter_backends = FILTER_BACKENDS
    lookup_value_regex = ID
    output_serializer_class = None

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = ValidationError(detail={"detail": exc.messages})
        return super().handle_exception(exc)

    def validated(self, serializer_class, data=None) -> dict:
        serializer = serializer_class(
            data=self.request.data if data is None else data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def query(self, serializer_class) -> dict:
        return self.validated(serializer_class, data=self.request.query_params)

    def answer(self, obj, *, created: bool = False) -> Response:
        """The object as it now is, read again through the scoped queryset."""
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        serializer_class = self.output_serializer_class or self.serializer_class
        return Response(
            serializer_class(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SupervisionViewSet):
    pass
