from django.urls import path

from payments import endpoint

app_name = "pagopa"
urlpatterns = [
    path("paForNode", endpoint.pa_for_node, name="paForNode"),
    path("wsdl/xsd/paForNode.xsd", endpoint.schema, {"name": "paForNode"}, name="xsd"),
    path("xsd-common/sac-common-types-1.0.xsd", endpoint.schema, {"name": "common"},
         name="xsd-common"),
]
