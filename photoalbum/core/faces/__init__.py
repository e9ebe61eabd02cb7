"""People: face detection (dlib), face storage port, clustering into people and the faces pass."""

from photoalbum.core.faces.types import DetectedFace, Face, FaceBox, FacesResult, Person

__all__ = ["DetectedFace", "Face", "FaceBox", "FacesResult", "Person"]
